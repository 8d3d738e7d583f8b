// The common module's contract: errors as values, time and the clock, JSON, hashing,
// randomness, logs and metrics. Every other module builds on these.
#pragma once

#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
