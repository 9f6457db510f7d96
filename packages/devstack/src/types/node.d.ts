// The build config sets `types: []`; the devstack runs on Node, so its sources see Node's types.
/// <reference types="node" />
