/** A TypeORM entity class: one table a projection (or the projector itself) owns. */
export type EntityClass = new () => object;
