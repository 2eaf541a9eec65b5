// Who hears about a task, and which task events are news: shared by the webhooks and the mail.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ledger.h"

namespace taskledger::webhooks {

// The notification a task event gives ("task.assigned", …), or empty: none.
std::string_view ChangeType(std::string_view event_type);

// The agencies that hear about `t`: its lead and coordinating agencies, the members of any group
// among them, and `extra` (the agencies a reassignment took it from).
std::set<std::string> Involved(const domain::Ledger& ledger, const domain::Task& t,
                               const std::vector<std::string>& extra = {});

}  // namespace taskledger::webhooks
