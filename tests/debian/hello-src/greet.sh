#!/bin/sh
echo "greet: $(hello)"
