import type { FastifyPluginAsync } from 'fastify';
import type { SectionOptions } from './plugin.js';

/** The console's sections, each a fastify plugin registered inside the signed-in scope of /admin. */
export const CONSOLE_SECTIONS: readonly FastifyPluginAsync<SectionOptions>[] = [];
