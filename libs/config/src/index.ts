export * from './lib/config.schema';
export * from './lib/cause-taxonomy';
