import { describe, expect, it } from 'vitest';
import { parseNotification, type NotificationMessage } from '../../../electron/core/workers/notify/notification-message';
import { escapeSlackText, slackLink, slackPayload } from '../../../electron/core/workers/notify/slack-sender';

function message(payload: Record<string, unknown>): NotificationMessage {
  const parsed = parseNotification(JSON.stringify({ notification_id: 'n', channel: 'slack', recipient: 'c', priority: 'high', template: 't', payload: { title: 'T', message: 'M', severity: 'critical', ...payload }, retry_policy: { max_retries: 1, backoff: 'exponential' } }));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.message;
}

describe('Slack escaping', () => {
  it('escapes &, < and > so markup in a payload shows as text', () => {
    expect(escapeSlackText('<!channel> & <https://evil|click> 1 > 0')).toBe('&lt;!channel&gt; &amp; &lt;https://evil|click&gt; 1 &gt; 0');
  });

  it('links only http(s) URLs, with | and > unable to end the link early', () => {
    expect(slackLink('https://sec.example/r/1?a=b', 'Remediation')).toBe('<https://sec.example/r/1?a=b|Remediation>');
    expect(slackLink('https://sec.example/x|fake>', 'R')).toBe('<https://sec.example/x%7Cfake%3E|R>');
    expect(slackLink('javascript:alert(1)', 'R')).toBeNull();
    expect(slackLink('not a url', 'R')).toBeNull();
  });

  it('builds the text fallback and blocks with every payload field, escaped', () => {
    const body = slackPayload(message({ title: 'Kong <exposed>', message: 'ping <!here> & co', asset: 'gw<1>', action_required: 'Fix *now*', remediation_link: 'https://sec.example/r' }));
    expect(body.text).toBe('[CRITICAL] Kong &lt;exposed&gt;: ping &lt;!here&gt; &amp; co');
    const json = JSON.stringify(body.blocks);
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[CRITICAL] Kong <exposed>', emoji: false } });
    expect(json).toContain('*Severity*\\nCRITICAL');
    expect(json).toContain('*Asset*\\ngw&lt;1&gt;');
    expect(json).toContain('ping &lt;!here&gt; &amp; co');
    expect(json).toContain('*Action required*\\nFix *now*');
    expect(json).toContain('<https://sec.example/r|Remediation>');
    expect(json).not.toContain('<!here>');
  });

  it('shows a non-http remediation link as escaped text, not a link', () => {
    const json = JSON.stringify(slackPayload(message({ remediation_link: 'javascript:<x>' })).blocks);
    expect(json).toContain('*Remediation:* javascript:&lt;x&gt;');
  });
});
