package io.jlvs.vrrp.state;

/** Asked before an instance whose master-down timer expired becomes MASTER (a sync group may say not yet). */
@FunctionalInterface
interface MasterGate {
    MasterGate ALWAYS = m -> true;

    boolean mayBecomeMaster(VrrpStateMachine machine);
}
