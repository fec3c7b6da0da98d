// The API's JSON shapes (API.md) of the service's results (commands.h), built in json.cc: the only
// place that decides what a monitoring answer looks like.
#pragma once
#include "http/message.h"
#include "monitoring/commands.h"

namespace eq::monitoring {

http::Json zone_json(const Zone& z);
http::Json device_json(const DeviceView& d);
http::Json order_json(const OrderView& o, bool full);
http::Json dispatch_json(const DispatchView& d);
http::Json incident_json(const IncidentView& i);
http::Json track_json(const Track& t);
http::Json detail_json(const IncidentDetail& d);
http::Json console_json(const Console& c);

}  // namespace eq::monitoring
