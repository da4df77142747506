import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, systemClock } from '@causeway/application';
import { CAUSEWAY_CONFIG } from '@causeway/config';
import type { CausewayModuleOptions } from '../causeway.options';
import { CAUSEWAY_ROLE } from '../tokens';

/** The process's configuration, role and clock: every module reads them, so they are global. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CausewayModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CAUSEWAY_CONFIG, useValue: options.config },
        { provide: CAUSEWAY_ROLE, useValue: options.role ?? 'all' },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
      ],
      exports: [CAUSEWAY_CONFIG, CAUSEWAY_ROLE, CLOCK],
    };
  }
}
