// The SMTP client (smtp.h). Synchronous from the caller's view; each network step is an Asio async
// operation run with a deadline, so a relay that stops answering costs at most the timeout.
#include "participation/smtp.h"

#include <boost/asio.hpp>

#include "core/crypto.h"

namespace eq::participation {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string encode_header_word(const std::string& text) {
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c >= 32 && c < 127;
  if (ascii) return text;
  return "=?UTF-8?B?" + crypto::base64(text) + "?=";
}

std::string dot_stuff(const std::string& body) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || body[i - 1] != '\r')) out += '\r';
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

namespace {

class Conversation {
 public:
  explicit Conversation(const SmtpOptions& o) : o_(o), socket_(io_) {}

  Result<void> connect() {
    tcp::resolver resolver(io_);
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(o_.host, std::to_string(o_.port), ec);
    if (ec) return fail(down("no se pudo resolver el relé de correo"));
    bool done = false;
    asio::async_connect(socket_, endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    if (!run(done) || ec) return fail(down("el relé de correo no acepta conexiones"));
    return expect(220);
  }

  // Sends a command (CRLF added) and checks the reply's code.
  Result<void> command(const std::string& line, int code) {
    if (auto w = write(line + "\r\n"); !w) return w;
    return expect(code);
  }
  Result<void> write(const std::string& data) {
    boost::system::error_code ec;
    bool done = false;
    asio::async_write(socket_, asio::buffer(data), [&](const boost::system::error_code& e, size_t) {
      ec = e;
      done = true;
    });
    if (!run(done) || ec) return fail(down("la conexión con el relé de correo se cortó"));
    return {};
  }
  // Reads one reply (possibly multi-line "250-…" … "250 …") and compares its code.
  Result<void> expect(int code) {
    for (;;) {
      boost::system::error_code ec;
      bool done = false;
      size_t n = 0;
      asio::async_read_until(socket_, asio::dynamic_buffer(buffer_), "\r\n", [&](const boost::system::error_code& e, size_t len) {
        ec = e;
        n = len;
        done = true;
      });
      if (!run(done) || ec) return fail(down("el relé de correo no respondió"));
      std::string line = buffer_.substr(0, n);
      buffer_.erase(0, n);
      if (line.size() < 4) return fail(down("respuesta SMTP no válida"));
      if (line[3] == '-') continue;
      if (std::atoi(line.substr(0, 3).c_str()) != code)
        return fail(down("el relé de correo rechazó el envío (" + line.substr(0, line.size() - 2) + ")"));
      return {};
    }
  }

 private:
  bool run(bool& done) {
    io_.restart();
    io_.run_for(o_.timeout);
    if (!done) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      io_.restart();
      io_.run_for(std::chrono::milliseconds(100));
    }
    return done;
  }
  static Error down(const std::string& why) {
    return Error::unavailable("No se pudo enviar el correo: " + why + ". Intente nuevamente en unos minutos.");
  }

  const SmtpOptions& o_;
  asio::io_context io_;
  tcp::socket socket_;
  std::string buffer_;
};

// An address we put in a command line: no CR/LF or angle brackets (no command injection).
bool safe_address(const std::string& a) {
  if (a.empty() || a.size() > 254) return false;
  for (unsigned char c : a)
    if (c < 33 || c == '<' || c == '>' || c == 127) return false;
  return a.find('@') != std::string::npos;
}

}  // namespace

Result<void> send_mail(const SmtpOptions& o, const Mail& m) {
  if (o.host.empty()) return fail(Error::unavailable("El envío de correos no está configurado en este servidor (EQ_SMTP)."));
  if (!safe_address(m.to) || !safe_address(o.from)) return fail(Error::invalid("email", "La dirección de correo no es válida.", "invalid_email"));
  Conversation c(o);
  if (auto r = c.connect(); !r) return r;
  if (auto r = c.command("EHLO " + o.helo, 250); !r) return r;
  if (auto r = c.command("MAIL FROM:<" + o.from + ">", 250); !r) return r;
  if (auto r = c.command("RCPT TO:<" + m.to + ">", 250); !r) return r;
  if (auto r = c.command("DATA", 354); !r) return r;
  std::string subject = m.subject;
  for (auto& ch : subject)
    if (ch == '\r' || ch == '\n') ch = ' ';
  const std::string msg = "From: <" + o.from + ">\r\nTo: <" + m.to + ">\r\nSubject: " + encode_header_word(subject) +
                          "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
                          dot_stuff(m.body) + ".\r\n";
  if (auto r = c.write(msg); !r) return r;
  if (auto r = c.expect(250); !r) return r;
  (void)c.command("QUIT", 221);  // the message is accepted; a relay that hangs up early is fine
  return {};
}

}  // namespace eq::participation
