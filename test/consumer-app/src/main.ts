import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`consumer-app listening on ${await app.getUrl()}`);
}
// No top-level await: the same source also compiles as CommonJS.
bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
