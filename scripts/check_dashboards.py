#!/usr/bin/env python3
"""Runs every panel query of otelite's builtin dashboards against a running otelite and compares
each result, group by group, with the truth computed from the raw data (docs/dashboards.md).

  claude_dataset --developers 5 --days 2 --start-zeros --start 1795392000 --out x.om
  otelite import openmetrics --data d x.om
  deep_dive_bench --small --dir d/events --keep --csv ev.csv.zst && zstd -d ev.csv.zst
  otelite serve --data d &
  scripts/check_dashboards.py --om x.om --events-csv ev.csv --to-prom 1795564800 \
      --to-loki 1797465600 --range 86400 [--vars '{"user": ["alice.smith@example.com"]}']

Grafana's substitutions are reproduced: $__range as seconds, $__interval/$__auto from the panel's
maxDataPoints and minimum interval with Grafana's rounding, range queries aligned to the step,
multi-value variables as an escaped regex alternation, All as `.*`. Prints one Markdown table row
per target: panel, refId, value, truth, OK or DIFF (largest relative error over the groups).
"""
import argparse, csv, collections, json, os, re, sys, time, urllib.error, urllib.parse, urllib.request

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--dashboards', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src',
                                                     'dashboards', 'builtin'))
ap.add_argument('--prom-port', type=int, default=9090)
ap.add_argument('--loki-port', type=int, default=3100)
ap.add_argument('--to-prom', type=int, required=True, help='end of the Overview window, Unix seconds')
ap.add_argument('--to-loki', type=int, required=True, help='end of the Deep Dive window, Unix seconds')
ap.add_argument('--range', type=int, default=86400, help='window length in seconds')
ap.add_argument('--vars', default='{}', help='JSON: {"user": [...], "session": [...], "model": [...]}')
ap.add_argument('--om', required=True, help='the OpenMetrics file the metrics came from')
ap.add_argument('--events-csv', required=True, help="the events as deep_dive_bench --csv writes them")
args = ap.parse_args()
B = args.dashboards
PROM_PORT, LOKI_PORT = args.prom_port, args.loki_port
TO_PROM, TO_LOKI, RANGE = args.to_prom, args.to_loki, args.range
VARS = json.loads(args.vars)
OM, EVCSV = args.om, args.events_csv


def nice_interval(ms):
    # Grafana's rangeutil.roundInterval
    table = [(15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
             (3500, 2000), (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000),
             (90000, 60000), (150000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000),
             (1500000, 1200000), (2700000, 1800000), (5400000, 3600000), (9000000, 7200000),
             (16200000, 10800000), (32400000, 21600000), (86400000, 43200000), (604800000, 86400000)]
    for lim, v in table:
        if ms < lim:
            return v
    return 604800000


def interval_s(panel, default_min):
    mdp = panel.get('maxDataPoints', 1000)
    ms = nice_interval(RANGE * 1000 / mdp)
    mn = panel.get('interval', default_min)
    mn_ms = int(mn[:-1]) * {'s': 1000, 'm': 60000, 'h': 3600000}[mn[-1]]
    return max(ms, mn_ms) // 1000


def regex_value(vals):
    if not vals or vals == ['$__all']:
        return '.*'
    esc = [re.sub(r'([\\.+*?()|\[\]{}^$])', r'\\\\\1', v) for v in vals]
    return esc[0] if len(esc) == 1 else '(' + '|'.join(esc) + ')'


def substitute(expr, step):
    expr = expr.replace('$__range', f'{RANGE}s').replace('$__interval', f'{step}s').replace('$__auto', f'{step}s')
    for name in ('user', 'session', 'model'):
        expr = expr.replace('$' + name, regex_value(VARS.get(name, [])))
    return expr


def call(port, path, params):
    data = urllib.parse.urlencode(params).encode()
    t0 = time.time()
    try:
        r = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}{path}', data))
    except urllib.error.HTTPError as e:
        r = json.load(e)
    return r, time.time() - t0


# ---------------- truth: metrics ----------------
def load_om(path):
    series = collections.defaultdict(list)
    for line in open(path):
        if line.startswith('#'):
            continue
        m = re.match(r'(\w+)\{(.*)\} (\S+) (\S+)', line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        series[(m.group(1), tuple(sorted(labels.items())))].append((float(m.group(4)), float(m.group(3))))
    return series


def var_ok(labels, name, label):
    vals = VARS.get(name, [])
    return not vals or vals == ['$__all'] or labels.get(label, '') in vals


def metric_truth(S, metric, by, extra, frm, to, model_filter):
    out = collections.defaultdict(float)
    for (name, lab), pts in S.items():
        if name != metric:
            continue
        l = dict(lab)
        if any(l.get(k, '') != v for k, v in extra):
            continue
        if not var_ok(l, 'user', 'user_email') or not var_ok(l, 'session', 'session_id'):
            continue
        if model_filter and not var_ok(l, 'model', 'model'):
            continue
        prev = 0.0
        for t, v in pts:
            d = v - prev if v >= prev else v
            prev = v
            if frm < t <= to:
                out[tuple(l.get(b, '') for b in by)] += d
    return {k: v for k, v in out.items() if v != 0}


# ---------------- truth: events ----------------
def load_events(path):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f):
            r['ts'] = int(r['ts'])
            rows.append(r)
    return rows


def event_truth(E, q, frm, to):
    """Interprets the dashboard's LogQL forms: sum by (g) (count_over_time|sum_over_time(... | unwrap f))
    and their quotient."""
    if ' / ' in q:
        num, den = q.split(' / ')
        a, b = event_truth(E, num, frm, to), event_truth(E, den, frm, to)
        return {k: a.get(k, 0) / b[k] for k in b if b[k]}
    m = re.match(r'sum(?: by \(([^)]*)\))? \((count|sum)_over_time\((.*) \[\d+s\]\)\)$', q)
    by = [x.strip() for x in m.group(1).split(',')] if m.group(1) else []
    fn, sel = m.group(2), m.group(3)
    filters = re.findall(r'\| (\w+)(=~|!=|=)"((?:[^"\\]|\\.)*)"', sel)
    unwrap = re.search(r'\| unwrap (\w+)', sel)
    out = collections.defaultdict(float)
    lo, hi = frm * 10**9, to * 10**9
    for r in E:
        if not (lo < r['ts'] <= hi):
            continue
        ok = True
        for k, op, v in filters:
            val = r.get(k, '') or ''
            if op == '=':
                ok = val == v
            elif op == '!=':
                ok = val != v
            else:
                ok = re.fullmatch(v.replace('\\\\', '\\'), val) is not None
            if not ok:
                break
        if not ok:
            continue
        key = tuple(r.get(b, '') or '' for b in by)
        out[key] += float(r[unwrap.group(1)]) if fn == 'sum' else 1
    return dict(out)


def result_map(r, by_labels):
    res = {}
    for s in r['data']['result']:
        key = tuple(s['metric'].get(b, '') for b in by_labels)
        if 'values' in s:
            res[key] = res.get(key, 0) + sum(float(v[1]) for v in s['values'])
        else:
            res[key] = float(s['value'][1])
    return res


def compare(got, want):
    keys = set(got) | set(want)
    worst = 0.0
    for k in keys:
        g, w = got.get(k, 0.0), want.get(k, 0.0)
        err = abs(g - w) / max(abs(w), 1e-12) if w else abs(g)
        worst = max(worst, err)
    return worst


def fmt_total(m):
    return '%.6g' % sum(m.values()) if m else 'empty'


def main():
    S = load_om(OM)
    E = load_events(EVCSV)
    rows = []
    for fname, port, to, default_min in (('claude-code-overview.json', PROM_PORT, TO_PROM, '15s'),
                                         ('claude-code-deep-dive.json', LOKI_PORT, TO_LOKI, '1s')):
        d = json.load(open(f'{B}/{fname}'))
        frm = to - RANGE
        for p in d['panels']:
            if p['type'] == 'row':
                continue
            step = interval_s(p, default_min)
            for t in p['targets']:
                q = substitute(t['expr'], step)
                loki = t['datasource']['type'] == 'loki'
                if p['type'] == 'logs':
                    r, dt = call(port, '/loki/api/v1/query_range',
                                 {'query': q, 'start': frm * 10**9, 'end': to * 10**9, 'limit': t.get('maxLines', 1000),
                                  'direction': 'backward'})
                    if r.get('status') != 'success':
                        rows.append((p['title'], t['refId'], 'ERROR ' + str(r)[:300], '', '', dt))
                        continue
                    lines = [v for s in r['data']['result'] for v in s['values']]
                    lines.sort(reverse=True)
                    sample = lines[0][1][:150] if lines else ''
                    rows.append((p['title'], t['refId'], f'{len(lines)} lines', sample, '', dt))
                    continue
                instant = t.get('instant') or t.get('queryType') == 'instant'
                if instant:
                    path = '/loki/api/v1/query' if loki else '/api/v1/query'
                    params = {'query': q, 'time': to * 10**9 if loki else to}
                    wfrm = frm
                else:
                    path = '/loki/api/v1/query_range' if loki else '/api/v1/query_range'
                    # Grafana aligns start and end to the step
                    s0 = (frm // step) * step
                    e0 = (to // step) * step
                    params = {'query': q, 'start': s0 * (10**9 if loki else 1), 'end': e0 * (10**9 if loki else 1),
                              'step': step}
                    wfrm, to_eff = s0 - step, e0
                r, dt = call(port, path, params)
                if r.get('status') != 'success':
                    rows.append((p['title'], t['refId'], 'ERROR ' + str(r)[:300], q, '', dt))
                    continue
                m = re.search(r'sum by \(([^)]*)\)', q)
                by = [x.strip() for x in m.group(1).split(',')] if m else []
                got = result_map(r, by)
                wto = to if instant else to_eff
                if loki:
                    if ' / ' in q and not instant:
                        Ew = [e for e in E if (wfrm - step) * 10**9 < e['ts'] <= to_eff * 10**9]
                        worst, npts = 0.0, 0
                        for s in r['data']['result']:
                            key = tuple(s['metric'].get(b, '') for b in by)
                            for ts, v in s['values']:
                                w = event_truth(Ew, q, int(ts) - step, int(ts)).get(key)
                                npts += 1
                                if w is None:
                                    worst = max(worst, 1.0)
                                else:
                                    worst = max(worst, abs(float(v) - w) / max(abs(w), 1e-12))
                        rows.append((p['title'], t['refId'], f'{len(r["data"]["result"])} series, {npts} means',
                                     'per-step sum/count', 'OK' if worst < 1e-6 else f'DIFF {worst:.2%}', dt))
                        continue
                    else:
                        truth = event_truth(E, q, wfrm, wto)
                else:
                    metric = re.search(r'(claude_code_\w+)\{', q).group(1)
                    extra = [(k, v) for k, v in re.findall(r'(\w+)="([^"]*)"', q.split('}')[0])]
                    truth = metric_truth(S, metric, by, extra, wfrm, wto, 'model=~' in q)
                if truth is None:
                    rows.append((p['title'], t['refId'], f'{len(got)} series', '(mean per step)', '', dt))
                    continue
                err = compare(got, truth)
                rows.append((p['title'], t['refId'], fmt_total(got), fmt_total(truth),
                             'OK' if err < 1e-6 else f'DIFF {err:.2%}', dt))
    for r in rows:
        print('| %s | %s | %s | %s | %s | %.0f ms |' % (r[0], r[1], r[2], r[3], r[4], r[5] * 1000))


main()
