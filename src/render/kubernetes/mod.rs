//! The Kubernetes target: the manifests of `k8s/`, and the checks that hold
//! them to each other.

pub mod cross_check;
