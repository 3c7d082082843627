// The contract-shaped bodies the benchmark's server (and its in-process fetch) answer with.
export const SANDBOX = JSON.stringify({
  id: "sbx-bench0001",
  template_id: "tpl-debian-bookworm",
  vcpu: 2,
  memory: 2048,
  disk: 4096,
  timeout: 1800,
  state: "running",
  auto_pause: false,
  network_policy: { mode: "allow-all" },
  created_at: "2026-11-25T10:00:00Z",
});

export const SNAPSHOT = JSON.stringify({
  id: "snap-bench0001",
  name: "warm",
  template_id: "tpl-debian-bookworm",
  vcpu: 2,
  memory: 2048,
  disk: 4096,
  network_policy: { mode: "allow-all" },
  created_at: "2026-11-25T10:00:00Z",
});
