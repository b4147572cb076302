import type { ConfirmChannel, Options } from 'amqplib';

/**
 * Publishes on a confirm channel (persistent unless told otherwise); resolves when the broker
 * confirmed, rejects on a nack, a closed channel or a full failure to send.
 */
export function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, content: Buffer, options?: Options.Publish): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, { persistent: true, ...options }, (error) => (error ? reject(error as Error) : resolve()));
    } catch (error) {
      reject(error as Error);
    }
  });
}
