import type { DemoStatus } from '../../../../shared/model/overview';
import { MAX_DEMO_RATE } from '../../../../shared/contract/methods';
import { formatClock, formatCount } from '../../components/format';
import type { DemoControls } from './use-demo-controls';

/** Rate, Start/Stop, and what the demo producer has done so far. */
export function DemoControlsRow({ envId, status, controls }: { envId: string; status: DemoStatus | undefined; controls: DemoControls }) {
  const isRunning = status?.running ?? false;
  const rateInputId = `demo-rate-input-${envId}`;
  return (
    <section className="demo" aria-label="Demo traffic">
      <div className="demo-controls">
        <span className="demo-title">Demo traffic</span>
        <label htmlFor={rateInputId} className="label-text">
          Rate (msgs/s)
        </label>
        <input
          id={rateInputId}
          className="input input-rate"
          type="number"
          min={1}
          max={MAX_DEMO_RATE}
          step={1}
          inputMode="numeric"
          value={controls.rateText}
          onChange={(event) => controls.setRateText(event.target.value)}
          aria-invalid={controls.rate === null}
          data-testid={`demo-rate-${envId}`}
        />
        <button
          type="button"
          className="button button-primary"
          data-testid={`demo-start-${envId}`}
          disabled={isRunning || controls.isBusy || controls.rate === null}
          onClick={controls.start}
        >
          Start
        </button>
        <button type="button" className="button" data-testid={`demo-stop-${envId}`} disabled={!isRunning || controls.isBusy} onClick={controls.stop}>
          Stop
        </button>
        {controls.rate === null ? <span className="field-hint bad">Rate must be between 1 and {formatCount(MAX_DEMO_RATE)}.</span> : null}
      </div>
      <p className="demo-status small" data-testid={`demo-status-${envId}`}>
        {status ? describeDemo(status) : 'Status unknown.'}
      </p>
      {status?.lastError ? (
        <p className="demo-error bad small" data-testid={`demo-error-${envId}`}>
          Last error: {status.lastError}
        </p>
      ) : null}
      {controls.error ? (
        <p className="demo-error bad small" role="alert">
          {controls.error}
        </p>
      ) : null}
    </section>
  );
}

function describeDemo(status: DemoStatus): string {
  const counts = `Redis ${formatCount(status.produced.redis)} · RabbitMQ ${formatCount(status.produced.amqp)} · malformed ${formatCount(status.produced.malformed)}`;
  if (!status.running) return `Stopped. Produced so far: ${counts}.`;
  const since = status.startedAt === null ? '' : ` since ${formatClock(status.startedAt)}`;
  return `Running at ${formatCount(status.rate)} msgs/s${since}. Produced: ${counts}.`;
}
