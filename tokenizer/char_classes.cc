// The generated two-stage character-class table (char_classes.h), compiled here.
#include "tokenizer/char_classes.h"

#include "char_classes.inc"
