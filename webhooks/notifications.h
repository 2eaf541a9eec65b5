// The front door of the notifications' shared core (README.md): what every channel uses and what
// the server reads across channels. The notification types, the channel registry, deadline
// reminders, the outbox both channels send from, and who a plan's channels reach.
// The channels have front doors of their own: webhooks.h, mail/mail.h.
#pragma once

#include "webhooks/channels.h"            // IWYU pragma: export
#include "webhooks/notification_types.h"  // IWYU pragma: export
#include "webhooks/outbox.h"              // IWYU pragma: export
#include "webhooks/reach.h"               // IWYU pragma: export
#include "webhooks/reminders.h"           // IWYU pragma: export
