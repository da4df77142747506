import 'reflect-metadata';
import { bootstrap } from '@causeway/http';

/**
 * The HTTP API as its own service: commands and queries, no projection work. Run several behind a
 * load balancer; they share the PostgreSQL log and read models with one apps/projector.
 */
void bootstrap('api');
