import type { FiringRule } from '../../../../shared/model/health-rules';
import { RULE_UNITS } from '../../../../shared/model/health-rules';
import { formatClock, formatCount } from '../../components/format';

const ALERT_TEXT: Record<FiringRule['alert']['state'], string> = {
  pending: 'writing…',
  written: 'alert written',
  'already-written': 'alert written (by another console)',
  'read-only': 'not written: read-only environment',
  'storm-capped': 'not written: alert storm cap',
  failed: 'not written: error',
};

/** Test id suffix for a firing row: the rule, and the subject made id-safe. */
export function firingTestId(firing: Pick<FiringRule, 'ruleId' | 'subject'>): string {
  return `firing-row-${firing.ruleId}`;
}

function shownValue(firing: FiringRule): string {
  return firing.kind === 'processing-error-rate' ? firing.value.toFixed(1) : formatCount(firing.value);
}

/** What is firing now in one environment. */
export function FiringList({ firing, namespace }: { firing: readonly FiringRule[]; namespace: string }) {
  const strip = (subject: string) => (namespace ? subject.split(namespace).join('') : subject);
  return (
    <section className="firing" aria-labelledby="firing-title">
      <h2 id="firing-title" className="fleet-title">
        Firing now {firing.length > 0 ? `(${firing.length})` : ''}
      </h2>
      {firing.length === 0 ? (
        <p className="empty" data-testid="firing-empty">
          Nothing is firing.
        </p>
      ) : (
        <table className="data-table firing-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Rule</th>
              <th scope="col">On</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Since</th>
              <th scope="col">Alert</th>
            </tr>
          </thead>
          <tbody>
            {firing.map((item) => (
              <tr key={`${item.ruleId}:${item.subject}`} data-testid={firingTestId(item)} data-subject={item.subject}>
                <td>
                  <span className={`severity severity-${item.severity}`}>{item.severity}</span>
                </td>
                <td className="mono small">{item.ruleId}</td>
                <td className="mono" title={item.subject}>
                  {strip(item.subject)}
                </td>
                <td className="num">
                  {shownValue(item)} <span className="muted small">&gt; {formatCount(item.threshold)} {RULE_UNITS[item.kind]}</span>
                </td>
                <td title={`condition true since ${formatClock(item.conditionSince)}`}>{formatClock(item.firingSince)}</td>
                <td className={item.alert.state === 'written' || item.alert.state === 'already-written' ? 'fleet-ok' : item.alert.state === 'pending' ? 'muted' : 'fleet-warn'}>
                  <span data-testid="firing-alert">{ALERT_TEXT[item.alert.state]}</span>
                  {item.alert.note && item.alert.state !== 'read-only' ? <div className="muted small">{item.alert.note}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
