/** Restart policy of every container: back after a crash or a host reboot, not after a deliberate stop. */
export const RESTART_POLICY = "unless-stopped";

/** Seconds a container gets to shut down cleanly (Postgres checkpoints) before it is killed on replacement. */
export const STOP_GRACE_SECONDS = 30;
