import { describe, expect, it } from 'vitest';
import { describeRange, normalizeInput, parseDuration, parseTime, resolveRange, zoomOut } from './range';
import { formatTime, fromWall, toWall } from './tz';

// 2024-03-15 14:37:22.500 UTC, a Friday.
const NOW = Date.UTC(2024, 2, 15, 14, 37, 22, 500);

describe('parseTime', () => {
  it('reads now and offsets', () => {
    expect(parseTime('now', { now: NOW, tz: 'utc' })).toBe(NOW);
    expect(parseTime('now-6h', { now: NOW, tz: 'utc' })).toBe(NOW - 6 * 3600000);
    expect(parseTime('now-15m', { now: NOW, tz: 'utc' })).toBe(NOW - 15 * 60000);
    expect(parseTime('now+1h', { now: NOW, tz: 'utc' })).toBe(NOW + 3600000);
    expect(parseTime('now-2d', { now: NOW, tz: 'utc' })).toBe(NOW - 2 * 86400000);
    expect(parseTime('now-1w', { now: NOW, tz: 'utc' })).toBe(NOW - 7 * 86400000);
  });
  it('adds months and years on the calendar', () => {
    expect(parseTime('now-1M', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 1, 15, 14, 37, 22, 500));
    expect(parseTime('now-1y', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2023, 2, 15, 14, 37, 22, 500));
  });
  it('rounds to the start, or the end with roundUp', () => {
    expect(parseTime('now/d', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 2, 15));
    expect(parseTime('now/d', { now: NOW, tz: 'utc', roundUp: true })).toBe(Date.UTC(2024, 2, 16) - 1);
    expect(parseTime('now-1d/d', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 2, 14));
    expect(parseTime('now/h', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 2, 15, 14));
    expect(parseTime('now/M', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 2, 1));
    expect(parseTime('now/y', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 0, 1));
  });
  it('rounds weeks to the configured first day', () => {
    expect(parseTime('now/w', { now: NOW, tz: 'utc' })).toBe(Date.UTC(2024, 2, 10)); // Sunday
    expect(parseTime('now/w', { now: NOW, tz: 'utc', weekStart: 'monday' })).toBe(Date.UTC(2024, 2, 11));
  });
  it('rounds days in a named zone', () => {
    // 14:37 UTC is 23:37 in Tokyo (UTC+9): the day starts at 15:00 UTC the day before.
    expect(parseTime('now/d', { now: NOW, tz: 'Asia/Tokyo' })).toBe(Date.UTC(2024, 2, 14, 15));
    // New York is UTC-4 on 2024-03-15 (DST since 03-10).
    expect(parseTime('now/d', { now: NOW, tz: 'America/New_York' })).toBe(Date.UTC(2024, 2, 15, 4));
  });
  it('reads Unix ms, Unix seconds and typed dates', () => {
    expect(parseTime('1700000000000')).toBe(1700000000000);
    expect(parseTime('1700000000')).toBe(1700000000000);
    expect(parseTime('2024-03-01', { tz: 'utc' })).toBe(Date.UTC(2024, 2, 1));
    expect(parseTime('2024-03-01 10:20', { tz: 'utc' })).toBe(Date.UTC(2024, 2, 1, 10, 20));
    expect(parseTime('2024-03-01 10:20:30', { tz: 'Europe/Paris' })).toBe(Date.UTC(2024, 2, 1, 9, 20, 30));
    expect(parseTime('2024-03-01T10:20:30Z', { tz: 'Europe/Paris' })).toBe(Date.UTC(2024, 2, 1, 10, 20, 30));
    expect(parseTime('2024-03-01T10:20:30+02:00')).toBe(Date.UTC(2024, 2, 1, 8, 20, 30));
  });
  it('rejects what is not a time', () => {
    expect(parseTime('')).toBeNull();
    expect(parseTime('yesterday')).toBeNull();
    expect(parseTime('now-6x')).toBeNull();
    expect(parseTime('now/q')).toBeNull();
    expect(parseTime('2024-13-01')).toBeNull();
    expect(parseTime('2024-01-01 25:00')).toBeNull();
  });
});

describe('ranges', () => {
  it('resolves both ends', () => {
    expect(resolveRange({ from: 'now-1d/d', to: 'now-1d/d' }, 'utc', NOW)).toEqual({
      from: Date.UTC(2024, 2, 14),
      to: Date.UTC(2024, 2, 15) - 1,
    });
    expect(resolveRange({ from: 'bad', to: 'now' }, 'utc', NOW)).toBeNull();
  });
  it('describes quick and custom ranges', () => {
    expect(describeRange({ from: 'now-6h', to: 'now' }, 'utc')).toBe('Last 6 hours');
    expect(describeRange({ from: 'now-1d/d', to: 'now-1d/d' }, 'utc')).toBe('Yesterday');
    expect(describeRange({ from: 'now-90d', to: 'now' }, 'utc')).toBe('Last 90 days');
    expect(describeRange({ from: 'now-1m', to: 'now' }, 'utc')).toBe('Last 1 minute');
    expect(describeRange({ from: String(Date.UTC(2024, 0, 2, 3, 4, 5)), to: 'now' }, 'utc')).toBe(
      '2024-01-02 03:04:05 to now',
    );
  });
  it('normalizes typed input for the URL', () => {
    expect(normalizeInput(' now-6h ', 'utc', false)).toBe('now-6h');
    expect(normalizeInput('2024-01-02 03:04:05', 'utc', false)).toBe(String(Date.UTC(2024, 0, 2, 3, 4, 5)));
    expect(normalizeInput('tomorrow', 'utc', false)).toBeNull();
  });
  it('zooms out by two around the centre', () => {
    expect(zoomOut({ from: 'now-6h', to: 'now' }, 'utc', NOW)).toEqual({ from: 'now-12h', to: 'now' });
    const from = Date.UTC(2024, 2, 10, 10);
    const to = Date.UTC(2024, 2, 10, 12);
    expect(zoomOut({ from: String(from), to: String(to) }, 'utc', NOW)).toEqual({
      from: String(Date.UTC(2024, 2, 10, 9)),
      to: String(Date.UTC(2024, 2, 10, 13)),
    });
  });
  it('parses refresh durations', () => {
    expect(parseDuration('30s')).toBe(30000);
    expect(parseDuration('1m')).toBe(60000);
    expect(parseDuration('1h')).toBe(3600000);
    expect(parseDuration('1d')).toBe(86400000);
    expect(parseDuration('off')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
});

describe('time zones', () => {
  it('round-trips wall clocks in a DST zone', () => {
    const t = fromWall('Europe/Paris', 2024, 6, 1, 12, 0, 0); // CEST, UTC+2
    expect(t).toBe(Date.UTC(2024, 6, 1, 10));
    const w = toWall(t, 'Europe/Paris');
    expect([w.year, w.month, w.day, w.hour]).toEqual([2024, 6, 1, 12]);
  });
  it('formats in the zone', () => {
    expect(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6), 'utc', 'YYYY-MM-DD HH:mm:ss.SSS')).toBe(
      '2024-01-02 03:04:05.006',
    );
    expect(formatTime(Date.UTC(2024, 0, 2, 23, 0), 'Asia/Tokyo', 'MM/DD HH:mm')).toBe('01/03 08:00');
  });
});
