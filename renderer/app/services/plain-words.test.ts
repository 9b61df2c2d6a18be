import { describe, expect, it } from 'vitest';
import { modelSpecSchema } from '../../../engine/protocol/index.js';
import { parseBatch, plainIssue } from './plain-words.js';

describe('plain-word validation', () => {
  it('turns schema issues into sentences that name the field', () => {
    const bad = modelSpecSchema.safeParse({ inputSize: 2, layers: [{ units: '', activation: 'tanh' }, { units: 1, activation: 'identity' }], loss: 'mse' });
    expect(bad.success).toBe(false);
    expect(plainIssue(bad.error!.issues[0]!, 2)).toBe("Hidden layer 1's units must be a number.");
    const zero = modelSpecSchema.safeParse({ inputSize: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 0, activation: 'identity' }], loss: 'mse' });
    expect(plainIssue(zero.error!.issues[0]!, 2)).toMatch(/^The output layer's units must be at least 1/);
  });
  it('refuses a batch size that is not a whole number', () => {
    expect(parseBatch('abc')).toEqual({ error: 'Batch size "abc" is not a number: type a whole number of samples, or "full".' });
    expect(parseBatch('2.5')).toHaveProperty('error');
    expect(parseBatch('0')).toHaveProperty('error');
    expect(parseBatch(' 32 ')).toEqual({ value: 32 });
    expect(parseBatch('Full')).toEqual({ value: 'full' });
  });
});
