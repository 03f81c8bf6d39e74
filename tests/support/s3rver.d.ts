declare module "s3rver" {
  import type { Server } from "node:https";
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    readonly address?: string;
    readonly port?: number;
    readonly silent?: boolean;
    readonly directory: string;
    readonly key?: Buffer;
    readonly cert?: Buffer;
    readonly configureBuckets?: readonly { readonly name: string }[];
  }

  /** The parts of s3rver 3.7 the test helpers use. */
  class S3rver {
    constructor(options: S3rverOptions);
    readonly httpServer: Server;
    run(): Promise<AddressInfo>;
  }

  export = S3rver;
}
