#!/usr/bin/env python3
"""An event-dense data set for the engine-vs-PostGIS comparison, in the CSV layout of
`equidad monitor synth` (same headers). `monitor synth` raises few alerts (2 % of aggressors walk
towards their victim, zones are rarely crossed); this one exercises every path the comparison
checks: aggressors that roam between their victim, their order's zones and home at 1-5 m/s (many
zone crossings and approach/breach cycles, with the hysteresis margins), orders with a start and
an end, an aggressor and a victim's mobile serving two orders, batteries that drain and recharge,
devices that fall silent for 15 min, teleports (speed rejection and re-anchoring), fixes with no
position carrying a button press, duplicates, late fixes, NaN / out-of-range coordinates,
timestamps before 2000 and unknown devices. Deterministic per seed.

usage: edge_data.py --orders N --positions P --seed S --out-dir DIR
"""
import argparse
import math
import os
import random

LAT0, LON0 = -33.45, -70.65
KY, KX = 110_900.0, 93_000.0  # metres per degree near 33.5°S (placement only)
START_MS = 1_795_500_000_000
INTERVAL_MS = 30_000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=200)
    ap.add_argument("--zones-per-order", type=int, default=12)
    ap.add_argument("--positions", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out-dir", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out_dir, exist_ok=True)
    orders, zones, devices, walkers = [], [], [], []
    zone_id = 1
    span_ms = a.positions * INTERVAL_MS // max(1, 4 * a.orders)
    for i in range(1, a.orders + 1):
        m = 200 + 100 * rnd.randrange(4)
        app = "" if rnd.random() < 0.5 else str(m + 300 + 100 * rnd.randrange(5))
        starts = ends = ""
        if i % 10 == 0:  # in force from a third of the way
            starts = str(START_MS + span_ms // 3)
        elif i % 10 == 5:  # ends half-way
            ends = str(START_MS + span_ms // 2)
        orders.append(f"{i},{m},{app},{starts},{ends}")
        vl, vo = LAT0 + rnd.gauss(0, 6000) / KY, LON0 + rnd.gauss(0, 6000) / KX
        al, ao = vl + rnd.gauss(0, 2500) / KY, vo + rnd.gauss(0, 2500) / KX
        base = len(walkers)
        devices.append((f"A{i}", "aggressor_tag", i * 10 + 3, i))
        devices.append((f"B{i}", "victim_bracelet", i * 10 + 1, i))
        devices.append((f"M{i}", "victim_mobile", i * 10 + 1, i))
        devices.append((f"C{i}", "victim_mobile", i * 10 + 2, i))
        cl, co = vl + rnd.gauss(0, 800) / KY, vo + rnd.gauss(0, 800) / KX
        walkers += [
            {"lat": al, "lon": ao, "home": (al, ao), "kind": "a", "victim": base + 2, "zones": [], "target": None, "battery": 100},
            {"lat": vl, "lon": vo, "home": (vl, vo), "kind": "v", "battery": 100},
            {"lat": vl, "lon": vo, "home": (vl, vo), "kind": "v", "battery": 100},
            {"lat": cl, "lon": co, "home": (cl, co), "kind": "v", "battery": 100},
        ]
        for z in range(a.zones_per_order):
            cz = (cl, co) if z % 3 == 2 else (vl, vo)
            zl, zo = cz[0] + rnd.gauss(0, 0 if z == 0 else 1200) / KY, cz[1] + rnd.gauss(0, 0 if z == 0 else 1200) / KX
            walkers[base]["zones"].append((zl, zo))
            if z % 3 == 1:
                w, h = (150 + 250 * rnd.random()) / KX, (150 + 250 * rnd.random()) / KY
                pts = [(zl - h, zo - w), (zl - h, zo + w), (zl + h * 1.2, zo + w * 0.8), (zl + h, zo - w)]
                wkt = "POLYGON((" + ", ".join(f"{p[1]:.7f} {p[0]:.7f}" for p in pts + [pts[0]]) + "))"
                zones.append(f'{zone_id},{i},zona {z},polygon,,,,"{wkt}"')
            else:
                zones.append(f"{zone_id},{i},zona {z},circle,{zl:.7f},{zo:.7f},{150 + 350 * rnd.random():.1f},")
            zone_id += 1
    # Devices serving two orders: order 2's aggressor also in order 3; order 4's victim mobile in order 5.
    extra = []
    if a.orders >= 5:
        extra = [("A2", "aggressor_tag", 23, 3), ("M4", "victim_mobile", 41, 5)]
    nd = len(devices)
    silent_until = [0] * nd
    rows = []
    k = 0
    while len(rows) < a.positions and k < 10 * a.positions:
        d = k % nd
        t = START_MS + k * INTERVAL_MS // nd
        k += 1
        w = walkers[d]
        if t < silent_until[d]:
            continue
        if rnd.random() < 0.0004:  # falls silent for 15 min
            silent_until[d] = t + 15 * 60_000
            continue
        dt = INTERVAL_MS / 1000
        if w["kind"] == "a":
            if w["target"] is None or rnd.random() < 0.05:
                r = rnd.random()
                w["target"] = ("victim", None) if r < 0.35 else ("zone", rnd.choice(w["zones"])) if r < 0.85 else ("home", w["home"])
            tgt = walkers[w["victim"]] if w["target"][0] == "victim" else None
            tl, to = (tgt["lat"], tgt["lon"]) if tgt else w["target"][1]
            dn, de = (tl - w["lat"]) * KY, (to - w["lon"]) * KX
            dist = math.hypot(dn, de)
            step = min(dist, (1 + 4 * rnd.random()) * dt)
            if dist > 0:
                w["lat"] += dn / dist * step / KY
                w["lon"] += de / dist * step / KX
            w["lat"] += rnd.gauss(0, 25) / KY
            w["lon"] += rnd.gauss(0, 25) / KX
        else:
            w["lat"] += (rnd.gauss(0, 1.0) * dt + (w["home"][0] - w["lat"]) * KY * 0.02) / KY
            w["lon"] += (rnd.gauss(0, 1.0) * dt + (w["home"][1] - w["lon"]) * KX * 0.02) / KX
        if rnd.random() < 0.01:
            w["battery"] = max(1, w["battery"] - rnd.randrange(1, 12))
        elif w["battery"] < 30 and rnd.random() < 0.02:
            w["battery"] = 100  # charged
        dev = devices[d][0]
        lat, lon, alarm, ts = f"{w['lat']:.7f}", f"{w['lon']:.7f}", "", t
        r = rnd.random()
        if r < 0.002:
            lat = "NaN"
        elif r < 0.004:
            lat = "95.0000000"
        elif r < 0.006:
            lat = lon = ""  # no fix
            alarm = "sos" if w["kind"] == "v" else ""
        elif r < 0.009:
            alarm = "sos" if w["kind"] == "v" else "tampering"
        elif r < 0.010:
            alarm = "lowBattery"
        elif r < 0.0115:  # a teleport: absurd speed, trusted after 3 refusals if it persists
            lat = f"{w['lat'] + 0.3:.7f}"
        elif r < 0.012:
            ts = 900_000_000_000  # 1998: bad timestamp
        elif r < 0.0125:
            dev = "X" + dev  # unknown device
        rows.append(f"{dev},{ts},{lat},{lon},{5.0:.1f},{w['battery']},{alarm}")
        r2 = rnd.random()
        if r2 < 0.004:
            rows.append(rows[-1])  # resent
        elif r2 < 0.008 and lat not in ("", "NaN"):
            rows.append(f"{dev},{ts - 2 * INTERVAL_MS},{lat},{lon},5.0,{w['battery']},")  # late
    rows = rows[: a.positions]
    with open(os.path.join(a.out_dir, "orders.csv"), "w") as f:
        f.write("order_id,min_distance_m,approach_m,starts_at,ends_at\n" + "\n".join(orders) + "\n")
    with open(os.path.join(a.out_dir, "zones.csv"), "w") as f:
        f.write("zone_id,order_id,label,shape,lat,lon,radius_m,wkt\n" + "\n".join(zones) + "\n")
    with open(os.path.join(a.out_dir, "devices.csv"), "w") as f:
        f.write("device_id,kind,person_id,order_id\n" + "\n".join(f"{x[0]},{x[1]},{x[2]},{x[3]}" for x in devices + extra) + "\n")
    with open(os.path.join(a.out_dir, "positions.csv"), "w") as f:
        f.write("device_id,timestamp,lat,lon,speed_kmh,battery,alarm\n" + "\n".join(rows) + "\n")
    print(f"edge data set in {a.out_dir}: {len(orders)} orders, {len(zones)} zones, {len(devices) + len(extra)} device rows, {len(rows)} positions")


if __name__ == "__main__":
    main()
