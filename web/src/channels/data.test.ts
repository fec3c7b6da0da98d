import { describe, expect, test } from 'vitest';
import { formatWait, labelOf, queueOrder, type QueueItem } from './data';

const item = (id: number, priority: number, waiting_s: number): QueueItem => ({
  id, priority, waiting_s, channel: 'phone', channel_name: 'Fono 1455', state: 'waiting', urgent: priority === 2, offered_to: null,
});

describe('channels data', () => {
  test('waiting times in Spanish', () => {
    expect(formatWait(45)).toBe('45 s');
    expect(formatWait(185)).toBe('3 min 05 s');
    expect(formatWait(3 * 3600 + 120)).toBe('3 h 02 min');
    expect(formatWait(null)).toBe('—');
  });
  test('urgent first, then risk, then who waited longest', () => {
    const order = queueOrder([item(1, 0, 500), item(2, 2, 10), item(3, 1, 20), item(4, 0, 900)]).map((i) => i.id);
    expect(order).toEqual([2, 3, 4, 1]);
  });
  test('labels from the server vocabularies', () => {
    expect(labelOf([{ id: 'corto', name: 'Cortó' }], 'corto')).toBe('Cortó');
    expect(labelOf(undefined, 'x')).toBe('x');
  });
});
