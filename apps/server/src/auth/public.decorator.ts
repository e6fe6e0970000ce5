import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'server:public';

/** Marks a route that answers without a token (health, metrics, the dashboard page, the API description). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
