import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Operations } from "./operations.js";

/** How a job ended, for the job metrics: done, failed to be retried, failed for good. */
export type JobOutcome = "completed" | "retried" | "not_retried" | "exhausted";

export interface ServiceMetrics {
  readonly contentType: string;
  observeRequest(
    labels: { readonly method: string; readonly route: string; readonly status: number },
    seconds: number,
  ): void;
  observeJob(labels: { readonly queue: string; readonly outcome: JobOutcome }, seconds: number): void;
  /** The exposition text: the counters and histograms, and gauges read from the service now. */
  render(): Promise<string>;
}

/**
 * The service's Prometheus metrics, in a registry of its own (two services in one process, as in
 * tests, keep theirs apart): request latency by route, job outcomes and durations by queue, and,
 * read at each scrape, queue depth, videos per status and the unsent mail.
 */
export const makeServiceMetrics = (operations: Pick<Operations, "statistics">): ServiceMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ovs_" });
  const requestDuration = new Histogram({
    name: "ovs_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "ovs_job_duration_seconds",
    help: "How long jobs ran, by queue and outcome",
    labelNames: ["queue", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    registers: [registry],
  });
  const jobs = new Counter({
    name: "ovs_jobs_total",
    help: "Jobs finished, by queue and outcome (exhausted: failed with no retries left)",
    labelNames: ["queue", "outcome"] as const,
    registers: [registry],
  });
  const queueJobs = new Gauge({
    name: "ovs_queue_jobs",
    help: "Jobs waiting (created, retry), running (active) or failed for good (failed), by queue",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
  });
  const videos = new Gauge({
    name: "ovs_videos",
    help: "Videos by status",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const unsentMail = new Gauge({
    name: "ovs_mail_outbox_unsent",
    help: "Status emails still to be sent (given-up ones are listed by ovs mail failed)",
    registers: [registry],
  });

  return {
    contentType: registry.contentType,
    observeRequest: (labels, seconds) =>
      requestDuration.observe(
        { method: labels.method, route: labels.route, status: String(labels.status) },
        seconds,
      ),
    observeJob: (labels, seconds) => {
      jobDuration.observe(labels, seconds);
      jobs.inc(labels);
    },
    render: async () => {
      const statistics = await operations.statistics();
      queueJobs.reset();
      for (const { queue, state, count } of statistics.jobsByQueueAndState)
        queueJobs.set({ queue, state }, count);
      videos.reset();
      for (const [status, count] of Object.entries(statistics.videosByStatus)) videos.set({ status }, count);
      unsentMail.set(statistics.unsentMail);
      return registry.metrics();
    },
  };
};
