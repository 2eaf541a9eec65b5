// The front door of the email channel's room (namespace webhooks::mail, ../README.md): addresses
// and their consent (MailKind in the channel registry), the signed links mails carry, and the
// service that plans, builds and sends the mail.
#pragma once

#include "webhooks/mail/links.h"         // IWYU pragma: export
#include "webhooks/mail/mail_service.h"  // IWYU pragma: export
#include "webhooks/mail/mailbox.h"       // IWYU pragma: export
