// TEST-ONLY stand-in for the operator queue (channels::Intake), provided by the composition root
// only when the environment says EQ_TEST_STANDIN_QUEUE=1. It exists because the chat (issue 13,
// part B) was built beside the real queue (part A, src/channels/) in parallel: the chat's
// integration, browser and load tests run against it until they drive the real queue's HTTP API.
// It keeps contacts in memory and adds one route, POST /api/v1/test/standin-queue/{ref}/take,
// with which an operator takes a chat contact (taking one already active is a transfer), and
// GET /api/v1/test/standin-queue, the chat contacts it holds.
// Never set that variable on a real server; delete this file once the tests use the real queue.
#pragma once
#include <memory>

#include "channels/intake.h"
#include "http/router.h"

namespace eq::app {

std::shared_ptr<channels::Intake> standin_queue(http::Router& router);

}  // namespace eq::app
