import type { Telegram } from 'telegraf';
import type { Telegram as ApiMethods, Opts } from 'telegraf/types';

/**
 * A Bot API call that gives up after `timeoutMs`. telegraf's own limit is 500 s, long enough for
 * one stalled connection to hold an outbox job for minutes; an abort is retried like any network error.
 */
export function callApi<M extends keyof ApiMethods>(
  telegram: Telegram,
  method: M,
  payload: Opts<M>,
  timeoutMs: number,
): Promise<ReturnType<ApiMethods[M]>> {
  return telegram.callApi(method, payload, { signal: abortSignal(AbortSignal.timeout(timeoutMs)) });
}

type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/**
 * telegraf types its signal as the abort-controller polyfill's; node-fetch, underneath, takes any
 * object named AbortSignal, which Node's own is.
 */
export const abortSignal = (signal: AbortSignal): TelegrafSignal => signal as unknown as TelegrafSignal;
