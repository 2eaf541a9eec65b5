#include "webhooks/mail/mime.h"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace taskledger::webhooks::mail {
namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <class T>
struct Unref {
  void operator()(T* p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using Owned = std::unique_ptr<T, Unref<T>>;

// A text part of `subtype` in UTF-8, quoted-printable (readable in the raw, safe in 7 bits).
GMimeObject* TextPart(const char* subtype, const std::string& text) {
  GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
  g_mime_text_part_set_text(part, text.c_str());  // charset from the text: utf-8 or us-ascii
  g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT(part);
}

}  // namespace

std::string BuildMail(const MailContent& mail) {
  InitOnce();
  Owned<GMimeMessage> message(g_mime_message_new(TRUE));
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, mail.from_name.c_str(),
                             mail.from_address.c_str());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, "", mail.to_address.c_str());
  g_mime_message_set_subject(message.get(), mail.subject.c_str(), "utf-8");
  GDateTime* date = g_date_time_new_from_unix_utc(mail.date_ms / 1000);
  g_mime_message_set_date(message.get(), date);
  g_date_time_unref(date);
  g_mime_message_set_message_id(message.get(), mail.message_id.c_str());
  GMimeObject* top = GMIME_OBJECT(message.get());
  g_mime_object_set_header(top, "Auto-Submitted", "auto-generated", nullptr);
  g_mime_object_set_header(top, "X-Auto-Response-Suppress", "All", nullptr);
  if (!mail.language.empty()) {
    g_mime_object_set_header(top, "Content-Language", mail.language.c_str(), nullptr);
  }
  if (!mail.unsubscribe_url.empty()) {
    const std::string link = "<" + mail.unsubscribe_url + ">";
    g_mime_object_set_header(top, "List-Unsubscribe", link.c_str(), nullptr);
    g_mime_object_set_header(top, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", nullptr);
  }
  for (const auto& [name, value] : mail.headers) {
    g_mime_object_set_header(top, name.c_str(), value.c_str(), nullptr);
  }

  // Plain text first, HTML last: a client shows the last part it can.
  Owned<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
  Owned<GMimeObject> text(TextPart("plain", mail.text));
  Owned<GMimeObject> html(TextPart("html", mail.html));
  g_mime_multipart_add(alternative.get(), text.get());
  g_mime_multipart_add(alternative.get(), html.get());
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));

  GMimeFormatOptions* options = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  char* bytes = g_mime_object_to_string(top, options);
  g_mime_format_options_free(options);
  std::string out(bytes ? bytes : "");
  g_free(bytes);
  return out;
}

}  // namespace taskledger::webhooks::mail
