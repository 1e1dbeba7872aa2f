// Drives `sparse-llm serve` with the official openai npm package: completion and chat, each non-streaming and
// streaming, and an error; prints what it got as one JSON object. Usage: node openai_client.cjs BASE_URL MODEL
const OpenAI = require('openai');

async function main() {
  const [baseURL, model] = process.argv.slice(2);
  const client = new OpenAI({ baseURL: baseURL + '/v1', apiKey: 'test-key', maxRetries: 0 });
  const out = {};
  const completion = { model, prompt: 'Once upon a time', max_tokens: 16, temperature: 0 };
  const c = await client.completions.create(completion);
  out.completion = c.choices[0].text;
  out.completion_finish = c.choices[0].finish_reason;
  out.completion_tokens = c.usage.completion_tokens;
  out.completion_stream = '';
  for await (const chunk of await client.completions.create({ ...completion, stream: true }))
    out.completion_stream += chunk.choices[0]?.text ?? '';

  const chat = { model, messages: [{ role: 'user', content: 'Tell me a story.' }], max_tokens: 12, temperature: 0 };
  const r = await client.chat.completions.create(chat);
  out.chat = r.choices[0].message.content;
  out.chat_role = r.choices[0].message.role;
  out.chat_stream = '';
  for await (const chunk of await client.chat.completions.create({ ...chat, stream: true }))
    out.chat_stream += chunk.choices[0]?.delta?.content ?? '';

  try {
    await client.completions.create({ ...completion, model: 'no-such-model' });
  } catch (e) {
    out.error_status = e.status;
    out.error_message = e.error?.message ?? e.message;
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
