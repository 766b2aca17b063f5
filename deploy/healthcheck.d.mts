/** The default /healthz port of each service, by its folder under services/. */
export declare const DEFAULT_HEALTH_PORTS: Readonly<Record<string, number>>;
/** The port of /healthz for the service HARK_SERVICE names, from the container's environment. */
export declare function healthPort(env: Readonly<Record<string, string | undefined>>): number;
