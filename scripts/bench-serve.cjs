// The load benchmark's client (scripts/bench-serve.sh starts the server): for each concurrency C, C clients send
// streaming completions back to back until REQUESTS have been answered or SECONDS have passed; reports
// requests/s, generated tokens/s, time to first token and the time between tokens (percentiles), as a
// Markdown table. Loopback only: the URL must be http://127.0.0.1:PORT.
// Usage: node bench-serve.cjs URL CONCURRENCIES REQUESTS SECONDS MAX_TOKENS
const [url, concurrencies, requests, seconds, maxTokens] = process.argv.slice(2);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error('bench-serve: loopback URLs only, not ' + url);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// One streaming completion: its time to first token and the gaps between the next ones, in ms.
async function one(body) {
  const start = performance.now();
  const response = await fetch(url + '/v1/completions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
  });
  if (!response.ok) return { status: response.status };
  let first = NaN, last = start, tokens = 0, buffer = '';
  const gaps = [];
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith('data: {')) continue;
      const chunk = JSON.parse(event.slice(6));
      if (chunk.choices[0].finish_reason !== null) continue;
      const now = performance.now();
      if (tokens++ === 0) first = now - start; else gaps.push(now - last);
      last = now;
    }
  }
  return { status: 200, first, gaps, tokens };
}

async function level(clients) {
  const body = JSON.stringify({ prompt: 'Once upon a time', max_tokens: Number(maxTokens), temperature: 0.8, stream: true });
  const deadline = performance.now() + Number(seconds) * 1000;
  let left = Number(requests), answered = 0, refused = 0, tokens = 0;
  const firsts = [], gaps = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left > 0 && performance.now() < deadline) {
      --left;
      const r = await one(body);
      if (r.status !== 200) { ++refused; continue; }
      ++answered;
      tokens += r.tokens;
      firsts.push(r.first);
      gaps.push(...r.gaps);
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  firsts.sort((a, b) => a - b);
  gaps.sort((a, b) => a - b);
  const f = (x) => x.toFixed(1);
  console.log(`| ${clients} | ${answered} | ${refused} | ${f(answered / elapsed)} | ${f(tokens / elapsed)} | ` +
              `${f(percentile(firsts, 50))} / ${f(percentile(firsts, 95))} | ` +
              `${f(percentile(gaps, 50))} / ${f(percentile(gaps, 95))} / ${f(percentile(gaps, 99))} |`);
}

(async () => {
  console.log('| clients | answered | refused | requests/s | tokens/s | first token ms p50 / p95 | between tokens ms p50 / p95 / p99 |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of concurrencies.split(',')) await level(Number(c));
})().catch((e) => { console.error('bench-serve: ' + e.message); process.exit(1); });
