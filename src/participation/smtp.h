// A small SMTP client over Boost.Asio: plain SMTP (RFC 5321) to the relay the ministry configures
// (`EQ_SMTP=host:port`), which does authentication and TLS towards the Internet. It speaks EHLO,
// MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT and reads every reply, so a refusal of the relay is
// an error the caller sees, never a mail silently lost.
#pragma once
#include <chrono>
#include <string>

#include "core/error.h"

namespace eq::participation {

struct SmtpOptions {
  std::string host;  // empty: no relay configured (mail is refused with a clear error)
  int port = 25;
  std::string from = "participacion@minmujeryeg.gob.cl";
  std::string helo = "equidad.local";
  std::chrono::milliseconds timeout{10000};
};

struct Mail {
  std::string to, subject, body;  // body: plain UTF-8 text
};

// Sends one message; blocks until the relay accepted it (250 after DATA) or refused it.
Result<void> send_mail(const SmtpOptions& o, const Mail& m);

// "Subject: =?UTF-8?B?…?=" for non-ASCII subjects (RFC 2047); the body is sent 8BITMIME.
std::string encode_header_word(const std::string& text);
// Lines starting with '.' doubled, bare LF turned into CRLF (RFC 5321 §4.5.2).
std::string dot_stuff(const std::string& body);

}  // namespace eq::participation
