import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type * as z from 'zod';
import type { EndpointsConfig, mailConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import { headerValue } from '../email/layout.js';
import { sesClient } from './clients/ses.js';
import type { Mailer, MailMessage } from '../ports.js';

export interface SesMailerOptions {
  from: string;
  replyTo?: string;
  configurationSet?: string;
  /** Sends per second at most (the account's SES rate); the SDK retries throttling errors. */
  maxPerSecond?: number;
}

/**
 * SES (v2) mailer: HTML + text messages, with attachments when given (SES v2 "Simple" content
 * carries them). The configuration set is passed on every send.
 */
export class SesMailer implements Mailer {
  private nextSlot = 0;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesMailerOptions,
  ) {}

  async send(m: MailMessage): Promise<{ messageId: string }> {
    await this.throttle();
    const subject = headerValue(m.subject);
    const common = {
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: m.to, ...(m.cc?.length ? { CcAddresses: m.cc } : {}) },
      ...(this.options.replyTo ? { ReplyToAddresses: [this.options.replyTo] } : {}),
      ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
    };
    const content = {
      Simple: {
        Subject: { Data: subject, Charset: 'UTF-8' },
        Body: { Html: { Data: m.html, Charset: 'UTF-8' }, Text: { Data: m.text, Charset: 'UTF-8' } },
        // SES v2 builds the MIME message, attachments included: no hand-assembled raw message.
        ...(m.attachments?.length
          ? {
              Attachments: m.attachments.map((x) => ({
                FileName: headerValue(x.filename),
                ContentType: x.contentType,
                ContentDisposition: 'ATTACHMENT' as const,
                RawContent: x.content,
              })),
            }
          : {}),
      },
    };
    const r = await this.client.send(new SendEmailCommand({ ...common, Content: content }));
    return { messageId: r.MessageId ?? '' };
  }

  private async throttle(): Promise<void> {
    const perSecond = this.options.maxPerSecond ?? 14;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / perSecond;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

/** The mailer of a function bound to a sender (composition roots): From, Reply-To and configuration set from config. */
export function mailerFrom(cfg: EndpointsConfig & z.infer<typeof mailConfig>): SesMailer {
  return new SesMailer(sesClient(cfg), {
    from: cfg[ENV.senderAddress],
    ...(cfg[ENV.replyToAddress] ? { replyTo: cfg[ENV.replyToAddress] } : {}),
    ...(cfg[ENV.sesConfigurationSet] ? { configurationSet: cfg[ENV.sesConfigurationSet] } : {}),
  });
}
