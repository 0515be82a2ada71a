package io.jlvs.config.model;

/** track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }. */
public record TrackFileDef(String name, String file, int weight, boolean weightReverse, String initFile) {
}
