// Ambient types for the parts of net-snmp 3.29.2 (a CommonJS package without typings) this plugin
// uses: v3 sessions (get, getNext) in the probe, the Agent in the simulator.
declare module "net-snmp" {
  import type { EventEmitter } from "node:events";
  export interface Varbind {
    oid: string;
    type?: number;
    value?: unknown;
  }
  export interface Session extends EventEmitter {
    get(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
    getNext(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
    close(): void;
  }
  export interface V3User {
    name: string;
    level: number;
    authProtocol?: string;
    authKey?: string;
    privProtocol?: string;
    privKey?: string;
  }
  export interface Mib {
    registerProvider(def: Record<string, unknown>): void;
    setScalarValue(name: string, value: unknown): void;
    getScalarValue(name: string): unknown;
  }
  export interface Authorizer {
    addCommunity(c: string): void;
    addUser(u: V3User): void;
    getAccessControlModel(): {
      setCommunityAccess(c: string, level: number): void;
      setUserAccess(u: string, level: number): void;
    };
  }
  export interface Agent {
    getMib(): Mib;
    getAuthorizer(): Authorizer;
    close(cb?: () => void): void;
  }
  const snmp: {
    Version3: number;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<string, string>;
    PrivProtocols: Record<string, string>;
    ObjectType: Record<string, number>;
    MibProviderType: { Scalar: number; Table: number };
    MaxAccess: Record<string, number>;
    AccessControlModelType: { None: number; Simple: number };
    AccessLevel: { None: number; ReadOnly: number; ReadWrite: number };
    createV3Session(target: string, user: V3User, options: Record<string, unknown>): Session;
    createAgent(options: Record<string, unknown>, cb: (error: Error | null, data?: unknown) => void, mib?: unknown): Agent;
    isVarbindError(vb: Varbind): boolean;
    varbindError(vb: Varbind): string;
  };
  export default snmp;
}
