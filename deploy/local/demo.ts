/**
 * The foundation demo: produce a few Avro Mentions to `mentions.raw` through
 * the registry, read them back from the real broker and print them decoded.
 */
import { commonSettings, parseConfig } from '@hark/config';
import { TOPICS, loadSchema, valueSubject, type Mention } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';

const config = parseConfig({
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
});
// kafkajs logs transient start-up noise (coordinator loading) as errors; the demo reports its own failures.
const logger = createLogger({ service: 'demo', level: 'fatal' });
const kafka = createKafka({ clientId: 'hark-demo', brokers: config.kafkaBrokers, logger });
const serde = createAvroSerde({
  registry: createRegistryClient({ url: config.schemaRegistryUrl }),
});
const topic = TOPICS.mentionsRaw.name;
const encoder = await serde.encoder<Mention>(valueSubject(topic), loadSchema('Mention'));
const decoder = serde.decoder<Mention>(loadSchema('Mention'));

const runId = Date.now().toString(36);
const posts = [
  {
    platform: 'x',
    handle: 'maria_g',
    text: 'Loving the new @acme app update, checkout is so much faster 🚀',
    likes: 41,
  },
  {
    platform: 'reddit',
    handle: 'throwaway_4412',
    text: 'Acme support kept me on hold for 2 hours. Thinking of switching to Globex.',
    likes: 7,
  },
  {
    platform: 'mastodon',
    handle: 'jp@fosstodon.org',
    text: 'Does anyone know if #Acme ships to Canada?',
    likes: 2,
  },
];
const now = Date.now();
const mentions: Mention[] = posts.map((p, i) => ({
  mentionId: `${p.platform}:demo-${runId}-${i}`,
  platform: p.platform,
  postId: `demo-${runId}-${i}`,
  kind: 'post',
  url: null,
  parentId: null,
  author: {
    id: `author-${p.handle}`,
    handle: p.handle,
    name: null,
    followers: 100 * (i + 1),
    verified: false,
    location: null,
    email: null,
    profileUrl: null,
  },
  title: null,
  text: p.text,
  lang: 'en',
  rating: null,
  createdAt: now - (3 - i) * 60_000,
  collectedAt: now,
  engagement: { likes: p.likes, shares: 0, replies: 0, views: 0 },
  brands: ['acme'],
  keywords: ['acme'],
  source: { kind: 'other', name: 'make-demo' },
}));

const producer = createProducer(kafka);
await producer.connect();
await producer.send({
  topic,
  acks: -1,
  messages: mentions.map((m) => ({ key: m.mentionId, value: encoder.encode(m) })),
});
await producer.disconnect();
console.log(
  `produced ${mentions.length} Avro mentions to ${topic} (schema id ${encoder.schemaId})`,
);

const wanted = new Set(mentions.map((m) => m.mentionId));
const consumer = kafka.consumer({ groupId: `hark-demo-${runId}`, maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const seen: Mention[] = [];
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(
    () =>
      reject(
        new Error(
          `read ${seen.length} of ${wanted.size} demo mentions back within 30 s; is the broker healthy? (make stack-status)`,
        ),
      ),
    30_000,
  );
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      const m = await decoder.decode(message.value!);
      if (!wanted.has(m.mentionId)) return;
      seen.push(m);
      console.log(
        `\n  ← partition ${partition} offset ${message.offset} key ${message.key?.toString()}`,
      );
      console.log(`    ${m.platform.padEnd(8)} @${m.author.handle}: ${m.text}`);
      console.log(
        `    brands ${m.brands.join(', ')}  likes ${m.engagement.likes}  created ${new Date(m.createdAt).toISOString()}`,
      );
      if (seen.length === wanted.size) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
const admin = kafka.admin();
await admin.connect();
await admin.deleteGroups([`hark-demo-${runId}`]).catch(() => {});
await admin.disconnect();
console.log(`\nread back and decoded ${seen.length} mentions from the real broker`);
