// One simulated worker: drives along a route of a few legs to a job site, dwells there, leaves for the next one;
// each fix carries GPS noise, now and then an accuracy spike. Time is the phone's (real) clock.
import { bearingDeg, destination, distanceM, randomPoint } from './geo.mjs';

/**
 * `step(now)` moves the worker to `now` (epoch ms) and returns the fix the phone records. Driving speed is
 * multiplied by `speed`; dwell times are real seconds (the location service counts the on-site time by the
 * phone's clock, so a sped-up dwell would never reach the tenant's minimum on-site time).
 */
export class WorkerSim {
  constructor({ rand, center, radiusM, sites, speed = 1, dwellS = [150, 300], noiseM = 4, spikeRate = 0.02 }) {
    this.rand = rand;
    this.center = center;
    this.radiusM = radiusM;
    this.sites = sites;
    this.speed = speed;
    this.dwellS = dwellS;
    this.noiseM = noiseM;
    this.spikeRate = spikeRate;
    this.at = randomPoint(rand, center, radiusM);
    this.heading = 0;
    this.mps = 0;
    this.battery = rand.between(40, 100);
    this.last = undefined;
    this.visits = 0;
    this.planTrip();
  }

  /** The next site and a route to it through one to three waypoints (a road network is not the point here). */
  planTrip() {
    this.site = this.sites.length > 0 ? this.rand.pick(this.sites) : randomPoint(this.rand, this.center, this.radiusM);
    const legs = 1 + Math.floor(this.rand.next() * 3);
    this.route = [];
    for (let i = 1; i < legs; i++) {
      const f = i / legs;
      const mid = {
        lat: this.at.lat + (this.site.lat - this.at.lat) * f,
        lng: this.at.lng + (this.site.lng - this.at.lng) * f,
      };
      this.route.push(randomPoint(this.rand, mid, 400));
    }
    this.route.push(this.site);
    this.cruiseMps = this.rand.between(8, 16) * this.speed;
    this.phase = 'driving';
  }

  step(now) {
    const dt = this.last === undefined ? 0 : Math.max(0, (now - this.last) / 1000);
    this.last = now;
    this.battery = Math.max(5, this.battery - dt * 0.001);
    if (this.phase === 'driving') this.drive(dt, now);
    else if (this.phase === 'dwelling' && now >= this.leaveAt) {
      this.visits++;
      this.planTrip();
    }
    return this.fix(now);
  }

  drive(dt, now) {
    let left = this.cruiseMps * dt;
    this.mps = this.cruiseMps;
    while (left > 0 && this.route.length > 0) {
      const target = this.route[0];
      const d = distanceM(this.at, target);
      this.heading = bearingDeg(this.at, target);
      if (d <= left) {
        this.at = target;
        this.route.shift();
        left -= d;
      } else {
        this.at = destination(this.at, this.heading, left);
        left = 0;
      }
    }
    if (this.route.length === 0) {
      this.phase = 'dwelling';
      this.mps = 0;
      // Parked somewhere on the site, not on its centre.
      this.at = destination(this.site, this.rand.between(0, 360), this.rand.between(0, 20));
      this.leaveAt = now + this.rand.between(this.dwellS[0], this.dwellS[1]) * 1000;
    }
  }

  fix(now) {
    const spike = this.rand.next() < this.spikeRate;
    const errorM = spike ? this.rand.between(150, 500) : Math.abs(this.rand.gauss()) * this.noiseM;
    const p = destination(this.at, this.rand.between(0, 360), errorM);
    return {
      deviceTime: now,
      lat: p.lat,
      lng: p.lng,
      accuracyM: spike ? errorM * this.rand.between(0.8, 1.5) : this.rand.between(3, 12),
      speedMps: this.mps,
      headingDeg: this.mps > 0 ? this.heading : -1,
      batteryPct: Math.round(this.battery),
    };
  }
}
