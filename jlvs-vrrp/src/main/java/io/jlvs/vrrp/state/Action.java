package io.jlvs.vrrp.state;

import io.jlvs.vrrp.notify.NotifyEvent;

/** Something the driver of a {@link VrrpStateMachine} must do, in list order. */
public sealed interface Action {

    /** Send one advertisement with this priority (0 when giving up mastership). */
    record SendAdvert(int priority) implements Action {
    }

    /** Add the virtual addresses to the interface. */
    record AddVips() implements Action {
    }

    /** Remove the virtual addresses. */
    record RemoveVips() implements Action {
    }

    /** Send gratuitous ARPs / unsolicited neighbour adverts for every virtual address, {@code repeat} times. */
    record SendGarp(int repeat) implements Action {
    }

    /** Run the notify scripts / FIFO for an event at this priority. */
    record Notify(NotifyEvent event, int priority) implements Action {
    }

    /** (Re)arm a timer; call {@link VrrpStateMachine#onTimer} at or after {@code atNanos}. */
    record SetTimer(VrrpTimer timer, long atNanos) implements Action {
    }

    /** Disarm a timer. */
    record CancelTimer(VrrpTimer timer) implements Action {
    }

    /**
     * A log line, in keepalived's words. {@code detail} lines are the ones keepalived only writes with
     * {@code -D} (log_detail).
     */
    record Log(String line, boolean detail) implements Action {
        public Log(String line) {
            this(line, false);
        }
    }
}
