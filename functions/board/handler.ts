import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from '../../shared/zod-mini.js';
import { composeFunction } from '../../shared/compose.js';
import { BOARD_CSP, boardConfig, boardPage } from '../../web/board/page.js';

/**
 * GET /board — the status board page of Sở Nội vụ. It carries no data and needs no token: the
 * page reads the admin token from the URL fragment, which browsers never send, so the token
 * reaches neither this function nor any access log. The regime gives the periods and the one to open.
 */
const fn = composeFunction('board', z.object({}));

export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  const regime = await fn.regime();
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': BOARD_CSP,
    },
    body: boardPage(boardConfig(regime, fn.clock.now())),
  };
};
