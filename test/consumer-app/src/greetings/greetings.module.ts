import { Module } from '@nestjs/common';
import { AsyncTaskModule } from '@sfc/async-task';
import { GreetFactory } from './greet.factory.js';
import { GreetingService } from './greeting.service.js';
import { GreetingsController } from './greetings.controller.js';

/** A feature module: imports AsyncTaskModule to inject AsyncTaskManager (no isGlobal needed). */
@Module({
  imports: [AsyncTaskModule],
  providers: [GreetingService, GreetFactory],
  controllers: [GreetingsController],
})
export class GreetingsModule {}
