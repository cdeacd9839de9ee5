// Words and tones for the Alerts page: a delivery's status and a channel's health, said in words and a glyph as
// well as a colour. Pure, so the rules are unit-tested in node.
import type { AlertChannelView, DeliveryState } from '../shared/alerts.js';
import type { RunTone } from './status.js';

export const DELIVERY_WORDS: Record<DeliveryState, { label: string; glyph: string; tone: RunTone }> = {
  pending: { label: 'pending', glyph: '…', tone: 'running' },
  delivered: { label: 'delivered', glyph: '✓', tone: 'success' },
  failing: { label: 'failing', glyph: '✕', tone: 'failure' },
  'given-up': { label: 'given up', glyph: '⊘', tone: 'failure' },
};

export type ChannelHealth = 'failing' | 'ok' | 'unused';

/** Failing while it has refused alerts since its last delivery; unused until it has sent anything. */
export function channelHealth(channel: AlertChannelView): ChannelHealth {
  if (channel.failingSince !== null) return 'failing';
  return channel.lastDeliveredAt === null && channel.pending === 0 ? 'unused' : 'ok';
}

/** Failing channels first (the operator has to act on those), then by name. */
export function channelOrder(a: AlertChannelView, b: AlertChannelView): number {
  const rank = (c: AlertChannelView) => (channelHealth(c) === 'failing' ? 0 : 1);
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}
