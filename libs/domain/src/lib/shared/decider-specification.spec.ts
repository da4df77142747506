import type { Decider } from './decider';
import { DeciderSpecification } from './decider-specification';

// A counter small enough that every outcome of the helper can be provoked on purpose.
type CounterEvent = { readonly type: 'Added'; readonly by: number };
type CounterCommand = { readonly type: 'Add'; readonly by: number } | { readonly type: 'Noop' };

class TooBigError extends Error {
  constructor(readonly limit: number) {
    super(`over ${limit}`);
    this.name = 'TooBigError';
  }
}

const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: () => 0,
  evolve: (state, event) => {
    if (event.by < 0) throw new RangeError('negative history');
    return state + event.by;
  },
  decide: (command, state) => {
    if (command.type === 'Noop') return [];
    if (state + command.by > 10) throw new TooBigError(10);
    return [{ type: 'Added', by: command.by }];
  },
};

const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('passes when the emitted events equal the expected ones', () => {
    expect(() => spec.given([{ type: 'Added', by: 2 }]).when({ type: 'Add', by: 3 }).then([{ type: 'Added', by: 3 }])).not.toThrow();
  });

  it('fails with a readable diff when the events differ', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 3 }).then([{ type: 'Added', by: 4 }])).toThrow(
      /emitted events differ[\s\S]*\+\s+by: 3,\n\s*-\s+by: 4,/,
    );
  });

  it('fails when more events are emitted than expected', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).then([])).toThrow(/emitted events differ/);
  });

  it('fails when events were expected but decide threw, naming the error', () => {
    expect(() => spec.given([{ type: 'Added', by: 9 }]).when({ type: 'Add', by: 3 }).then([{ type: 'Added', by: 3 }])).toThrow(
      /but decide threw TooBigError: over 10/,
    );
  });

  it('folds the given events before deciding', () => {
    spec.given([{ type: 'Added', by: 9 }]).when({ type: 'Add', by: 3 }).thenThrows(TooBigError);
    expect(() => spec.given([{ type: 'Added', by: 1 }]).when({ type: 'Add', by: 3 }).thenThrows(TooBigError)).toThrow(
      /expected TooBigError to be thrown\nbut decide emitted/,
    );
  });

  it('returns the thrown error so tests can inspect it', () => {
    const error = spec.given([{ type: 'Added', by: 10 }]).when({ type: 'Add', by: 1 }).thenThrows(TooBigError);
    expect(error.limit).toBe(10);
  });

  it('fails when a different error class is thrown', () => {
    expect(() => spec.given([{ type: 'Added', by: 10 }]).when({ type: 'Add', by: 1 }).thenThrows(RangeError)).toThrow(
      /expected RangeError to be thrown\nbut got TooBigError/,
    );
  });

  it('applies the predicate to the thrown error', () => {
    const given = spec.given([{ type: 'Added', by: 10 }]).when({ type: 'Add', by: 1 });
    expect(() => given.thenThrows(TooBigError, (e) => e.limit === 10)).not.toThrow();
    expect(() => given.thenThrows(TooBigError, (e) => e.limit === 99)).toThrow(/did not match the predicate/);
  });

  it('reports a history that cannot be evolved instead of treating it as the expected error', () => {
    expect(() => spec.given([{ type: 'Added', by: -1 }]).when({ type: 'Add', by: 1 }).thenThrows(RangeError)).toThrow(
      /given events could not be evolved: RangeError: negative history/,
    );
  });

  it('checks that nothing happened', () => {
    expect(() => spec.given([]).when({ type: 'Noop' }).thenNothingHappened()).not.toThrow();
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenNothingHappened()).toThrow(/emitted events differ/);
  });

  it('throws a plain Error rather than an AssertionError, so any runner prints it the same way', () => {
    let caught: unknown;
    try {
      spec.given([]).when({ type: 'Add', by: 1 }).then([]);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).constructor).toBe(Error);
  });
});
