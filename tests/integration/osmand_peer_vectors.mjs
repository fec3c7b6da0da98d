// A peer's test vectors for the OsmAnd endpoint, as data: the request cases of the Traccar
// project's own OsmAnd decoder test (github.com/traccar/traccar,
// src/test/java/org/traccar/protocol/OsmAndProtocolDecoderTest.java, testDecodeJson and
// testDecodeQuery, as stored at commit 24157c0a2eb94fd6b1d6ed6698d6aedb492d288a). Only the request
// shapes are copied (query strings and JSON bodies, byte for byte); Traccar's code is not.
//
// Each case says what a tracker's owner would expect from Equidad:
//   status  200 (acknowledged, "OK") or 422 with `field`;
//   last    the device's last GPS fix afterwards (order detail `devices[].last`), when it has one;
//   report  what the last report keeps besides its place (`devices[].last_report`): no_fix,
//           battery, and a subset of `data` (cell towers, Wi-Fi, charging, event, extras).
// The runner (osmand_peer_vectors.test.mjs) registers each case's device under the vector's id
// plus a case suffix, so cases that share an id and an instant in the peer's file are judged
// separately, and adds the device's key (query string `key`).

export const peerVectors = [
  // ---------------------------------------------------------------- testDecodeJson
  {
    name: 'Traccar Client JSON: motionchange, battery full, not charging, empty extras',
    id: '48241179',
    json: '{"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,"longitude":-122.084,"accuracy":5,"speed":0,"heading":-1,"altitude":5},"is_moving":false,"odometer":0,"event":"motionchange","battery":{"level":1,"is_charging":false},"activity":{"type":"still"},"extras":{},"_":"&id=48241179&lat=37.4219983&lon=-122.084&timestamp=2025-06-15T13:45:12.862Z&"},"device_id":"48241179"}',
    expect: {
      status: 200,
      last: { lat: 37.4219983, lon: -122.084, at: Date.parse('2025-06-15T13:45:12.862Z'), battery: 100 },
      report: { no_fix: false, battery: 100, data: { charging: false, moving: false, event: 'motionchange', activity: 'still' } },
    },
  },
  {
    name: 'Traccar Client JSON: extras of every type kept as attributes',
    id: '48241179',
    json: '{"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,"longitude":-122.084,"accuracy":5,"speed":0,"heading":-1,"altitude":5},"is_moving":false,"odometer":0,"event":"motionchange","battery":{"level":1,"is_charging":false},"activity":{"type":"still"},"extras":{"device_string_test":"long_device_id","device_bool_test":true,"device_bool_false_test":false,"device_integer_test":1,"device_double_test":1.345,"device_very_long_double_test":1763636.3442},"_":"&id=48241179&lat=37.4219983&lon=-122.084&timestamp=2025-06-15T13:45:12.862Z&"},"device_id":"48241179"}',
    expect: {
      status: 200,
      last: { lat: 37.4219983, lon: -122.084, at: Date.parse('2025-06-15T13:45:12.862Z'), battery: 100 },
      report: {
        no_fix: false,
        data: {
          extras: {
            device_string_test: 'long_device_id', device_bool_test: true, device_bool_false_test: false, device_integer_test: 1,
            device_double_test: 1.345, device_very_long_double_test: 1763636.3442, odometer: 0,
          },
        },
      },
    },
  },
  {
    name: 'Traccar Client JSON (iOS simulator): battery -1 is unknown, speed and heading -1 unknown, a mock location is flagged',
    id: '658765',
    json: '{"location":{"extras":{},"mock":true,"coords":{"speed_accuracy":-1,"speed":-1,"longitude":-122.406417,"ellipsoidal_altitude":0,"floor":null,"heading_accuracy":-1,"latitude":37.785834000000001,"accuracy":5,"altitude_accuracy":-1,"altitude":0,"heading":-1},"is_moving":false,"age":188,"odometer":0,"uuid":"2FB04C65-99CF-42AB-8DD3-EBCB4B108BF8","event":"motionchange","battery":{"level":-1,"is_charging":false},"activity":{"type":"unknown","confidence":100},"timestamp":"2025-05-09T04:11:30.579Z"},"device_id":"658765"}',
    expect: {
      status: 200,
      last: { lat: 37.785834, lon: -122.406417, at: Date.parse('2025-05-09T04:11:30.579Z'), battery: null },
      report: { no_fix: false, battery: null, data: { mock: true, event: 'motionchange' } },
    },
  },
  {
    name: 'Traccar Client JSON (Android): battery level 0.79 is 79 %, moving at 18.67 m/s',
    id: '8737767034',
    json: '{"location":{"event":"motionchange","is_moving":false,"uuid":"0e9a2473-a9a7-4c00-997b-fb97d2154e75","timestamp":"2021-07-21T08:06:34.444Z","odometer":0,"coords":{"latitude":-6.1148096,"longitude":106.6837015,"accuracy":3.8,"speed":18.67,"speed_accuracy":0.26,"heading":63,"heading_accuracy":0.28,"altitude":35.7,"altitude_accuracy":3.8},"activity":{"type":"still","confidence":100},"battery":{"is_charging":false,"level":0.79},"extras":{}},"device_id":"8737767034"}',
    expect: {
      status: 200,
      last: { lat: -6.1148096, lon: 106.6837015, at: Date.parse('2021-07-21T08:06:34.444Z'), battery: 79 },
      report: { no_fix: false, battery: 79, data: { charging: false } },
    },
  },
  // ---------------------------------------------------------------- testDecodeQuery
  {
    name: 'no GPS fix: two cell towers and two Wi-Fi access points, kept for later location',
    id: '123456',
    query: '/?id=123456&timestamp=1377177267&cell=257,02,16,2224&cell=257,02,16,2223,-90&wifi=00-14-22-01-23-45,-80&wifi=00-1C-B3-09-85-15,-70',
    expect: {
      status: 200,
      last: null,
      report: {
        no_fix: true,
        data: {
          cell: [{ mcc: 257, mnc: 2, lac: 16, cid: 2224 }, { mcc: 257, mnc: 2, lac: 16, cid: 2223, rssi: -90 }],
          wifi: [{ mac: '00:14:22:01:23:45', rssi: -80 }, { mac: '00:1c:b3:09:85:15', rssi: -70 }],
        },
      },
    },
  },
  {
    name: 'no device id: refused naming the field (the peer decodes nothing either)',
    id: '123456',
    query: '/?timestamp=1377177267&lat=60.0&lon=30.0',
    expect: { status: 422, field: 'id' },
  },
  {
    name: 'ISO 8601 timestamp, hdop and altitude',
    id: '902064',
    query: '/?id=902064&lat=42.06288&lon=-88.23412&timestamp=2016-01-27T18%3A55%3A47Z&hdop=6.0&altitude=224.0&speed=0.0',
    expect: { status: 200, last: { lat: 42.06288, lon: -88.23412, at: Date.parse('2016-01-27T18:55:47Z'), battery: null } },
  },
  {
    name: 'Unix milliseconds timestamp',
    id: '902064',
    query: '/?id=902064&lat=42.06288&lon=-88.23412&timestamp=1442068686579&hdop=6.0&altitude=224.0&speed=0.0',
    expect: { status: 200, last: { lat: 42.06288, lon: -88.23412, at: 1442068686579, battery: null } },
  },
  {
    name: '"date+time" timestamp without a zone (read as UTC), id last',
    id: '353861053849681',
    query: '/?lat=49.60688&lon=6.15788&timestamp=2014-06-04+09%3A10%3A11&altitude=384.7&speed=0.0&id=353861053849681',
    expect: { status: 200, last: { lat: 49.60688, lon: 6.15788, at: Date.parse('2014-06-04T09:10:11Z'), battery: null } },
  },
  {
    name: 'Unix seconds with speed, bearing, altitude, hdop',
    id: '123456',
    query: '/?id=123456&timestamp=1377177267&lat=60.0&lon=30.0&speed=0.0&bearing=0.0&altitude=0&hdop=0.0',
    expect: { status: 200, last: { lat: 60, lon: 30, at: 1377177267000, battery: null } },
  },
  {
    name: 'the minimum: id, seconds, lat, lon',
    id: '123456',
    query: '/?id=123456&timestamp=1377177267&lat=60.0&lon=30.0',
    expect: { status: 200, last: { lat: 60, lon: 30, at: 1377177267000, battery: null } },
  },
  {
    name: 'deviceid and heading, no timestamp (the server\'s time is used)',
    id: '123456',
    query: '/?lat=60.0&lon=30.0&speed=0.0&heading=0.0&vacc=0&hacc=0&altitude=0&deviceid=123456',
    expect: { status: 200, last: { lat: 60, lon: 30, at: 'now', battery: null }, report: { data: { extras: { vacc: '0', hacc: '0' } } } },
  },
  {
    name: 'battery as a percentage (batt=87), no timestamp',
    id: '861001000719969',
    query: '/?id=861001000719969&lat=41.666667&lon=-0.883333&altitude=350.059479&speed=0.000000&batt=87',
    expect: { status: 200, last: { lat: 41.666667, lon: -0.883333, at: 'now', battery: 87 } },
  },
  {
    name: 'location=lat,lon',
    id: '123456',
    query: '/?id=123456&timestamp=1377177267&location=60.0,30.0',
    expect: { status: 200, last: { lat: 60, lon: 30, at: 1377177267000, battery: null } },
  },
  {
    name: 'vehicle attributes (ignition, rpm, fuel) kept as extras',
    id: '123456789012345',
    query: '/?id=123456789012345&timestamp=1504763810&lat=40.7232948571&lon=-74.0061408571&bearing=7.19889788244&speed=40&ignition=true&rpm=933&fuel=24',
    expect: {
      status: 200,
      last: { lat: 40.7232948571, lon: -74.0061408571, at: 1504763810000, battery: null },
      report: { no_fix: false, data: { extras: { ignition: 'true', rpm: '933', fuel: '24' } } },
    },
  },
];
