import 'reflect-metadata';
import { bootstrap } from '@causeway/http';

/**
 * The read-model projector as its own worker. Run two for availability: an advisory lock lets one
 * apply batches at a time, and the other takes over within seconds when it dies. It serves only
 * /health and /health/ready.
 */
void bootstrap('projector');
