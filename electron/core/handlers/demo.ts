import type { CoreContext, HandlerGroup } from './context';

/** Demo traffic (seed-shaped events into an environment's streams and queues). */
export function demoHandlers(ctx: CoreContext): HandlerGroup<'demo.'> {
  return {
    'demo.start': async ({ envId, rate }) => {
      const runtime = ctx.runtime(envId);
      const status = await runtime.demo.start(rate);
      // The streams and queues it creates are shown at once, not at the next discovery.
      runtime.monitor.requestDiscovery();
      runtime.bull?.requestDiscovery();
      void runtime.monitor.tick();
      void runtime.bull?.tick();
      return status;
    },
    'demo.stop': async ({ envId }) => ctx.runtime(envId).demo.stop(),
    'demo.status': async ({ envId }) => ctx.runtime(envId).demo.status,
  };
}
