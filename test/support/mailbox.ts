/** Reads the SES emulator's store (GET /store): what the pipeline really sent. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments?: { filename?: string; contentType?: string; content: string }[];
  at: number;
}

export async function mailbox(ses: string): Promise<StoredEmail[]> {
  const res = await fetch(`${ses}/store`);
  if (!res.ok) throw new Error(`SES store: ${res.status}`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

export const to = (address: string) => (e: StoredEmail) => e.destination.to.includes(address);
