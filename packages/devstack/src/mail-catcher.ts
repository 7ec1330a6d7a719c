import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

// For `npm start` without SMTP_URL: a local SMTP server that keeps the last mails in memory and
// shows them on a small web page, so a developer sees the emails Kring sends (like MailDev).

type CaughtMail = { from: string; to: string; subject: string; text: string; receivedAt: Date };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

async function listenOn(server: { listen: (port: number, host: string, callback: () => void) => unknown }, ports: number[]) {
  for (const port of ports) {
    try {
      await new Promise<void>((resolve, reject) => {
        const s = server as unknown as { once?: (e: string, f: (error: Error) => void) => void; on?: (e: string, f: (error: Error) => void) => void };
        (s.once ?? s.on)?.call(server, "error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
      return;
    } catch (error) {
      if (port === ports.at(-1)) throw error;
    }
  }
}

export async function startMailCatcher(options: { smtpPort?: number; webPort?: number } = {}) {
  const mails: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.unshift({
            from: mail.from?.text ?? "",
            to: Array.isArray(mail.to) ? mail.to.map((t) => t.text).join(", ") : (mail.to?.text ?? ""),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            receivedAt: new Date(),
          });
          mails.splice(200);
          callback();
        })
        .catch(callback);
    },
  });
  smtp.on("error", () => undefined);
  // Fixed ports when free (bookmarkable), any free port otherwise.
  await listenOn(smtp.server, [options.smtpPort ?? 1025, 0]);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web = http.createServer((req, res) => {
    if (req.url === "/api/mails") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(mails));
      return;
    }
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Kring mail catcher</title><style>body{font:16px system-ui;margin:2rem;max-width:60rem}article{border:1px solid #999;border-radius:8px;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap}</style></head>
<body><h1>Kring mail catcher</h1><p>${mails.length} mail(s) caught on smtp://127.0.0.1:${smtpPort}. This page refreshes every 5 seconds.</p>
${mails.map((m) => `<article><h2>${escapeHtml(m.subject)}</h2><p>From ${escapeHtml(m.from)} to ${escapeHtml(m.to)}, ${m.receivedAt.toISOString()}</p><pre>${escapeHtml(m.text)}</pre></article>`).join("")}
</body></html>`);
  });
  await listenOn(web, [options.webPort ?? 1080, 0]);
  const webPort = (web.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl: `http://localhost:${webPort}`,
    mails,
    stop: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}
