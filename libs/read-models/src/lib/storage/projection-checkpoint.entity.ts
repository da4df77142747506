import { Column, Entity, PrimaryColumn } from 'typeorm';
import { POSITION } from './column-types';

/** How far a projector has applied the log; written in the same transaction as its rows. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name: string;

  @Column(POSITION)
  position: number;
}
