import 'reflect-metadata';
import { bootstrap } from '@causeway/http';

/** The all-in-one process: API, projector (and, later, scheduler and delivery) — the embedded default. */
void bootstrap('all');
