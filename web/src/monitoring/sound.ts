// Alarm sounds with WebAudio, one pattern per severity, so an operator can tell them apart with
// eyes elsewhere: critical = urgent two-tone siren (repeats while untaken), high = two rising beeps,
// medium = one soft chime, low and info = silence (a low battery never sounds like a breach).
// Browsers only let a page make sound after a gesture: the AudioContext is created inside the first
// click or key press, never before, so nothing is ever "autoplayed" and no error reaches the console.
import type { SeverityLook } from './data';

type Pattern = SeverityLook['sound'];

let ctx: AudioContext | null = null;
const listeners = new Set<() => void>();

export function audioReady(): boolean {
  return !!ctx && ctx.state === 'running';
}

/** Call from a user gesture (click, key press). Safe to call many times. */
export function unlockAudio(): void {
  try {
    if (!ctx) {
      const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctor) return;
      ctx = new Ctor();
    }
    if (ctx.state === 'suspended') void ctx.resume().then(() => listeners.forEach((l) => l()), () => {});
    else listeners.forEach((l) => l());
  } catch {
    ctx = null;
  }
}

export function onAudioReady(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function tone(at: number, freq: number, dur: number, type: OscillatorType, gain: number): void {
  if (!ctx) return;
  const osc = ctx.createOscillator();
  const g = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(freq, at);
  g.gain.setValueAtTime(0.0001, at);
  g.gain.exponentialRampToValueAtTime(gain, at + 0.015);
  g.gain.setValueAtTime(gain, at + dur - 0.03);
  g.gain.exponentialRampToValueAtTime(0.0001, at + dur);
  osc.connect(g).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + dur + 0.02);
}

/** Plays one round of a pattern; does nothing without an unlocked context. */
export function play(pattern: Pattern): void {
  if (pattern === 'none' || !audioReady() || !ctx) return;
  try {
    const t = ctx.currentTime + 0.02;
    if (pattern === 'urgent') {
      for (let i = 0; i < 6; i++) tone(t + i * 0.22, i % 2 ? 660 : 988, 0.2, 'square', 0.18);
    } else if (pattern === 'alert') {
      tone(t, 587, 0.18, 'sawtooth', 0.14);
      tone(t + 0.24, 880, 0.26, 'sawtooth', 0.14);
    } else if (pattern === 'chime') {
      tone(t, 523, 0.5, 'sine', 0.16);
    }
  } catch {
    /* a sound must never break the console */
  }
}

/** How often a pattern repeats while an incident of that severity waits to be taken (ms); 0 = once. */
export const REPEAT_MS: Record<Pattern, number> = { urgent: 3000, alert: 12000, chime: 0, none: 0 };
